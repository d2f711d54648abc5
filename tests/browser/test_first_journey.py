"""A practitioner's first visit, in a real browser: read the themes, register, log out, log in,
edit the profile. axe-core checks every page on the way."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible

PASSWORD = "a long enough password"


def register(page, live_server, email="priya@example.org"):
    page.goto(f"{live_server}/register")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Display name").fill("Priya Shah")
    page.get_by_label("Organisation", exact=True).fill("Suffolk County Council")
    page.get_by_label("Public body").check()
    page.get_by_label("Region").select_option("East of England")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()


def test_read_the_themes_then_register_log_out_log_in_and_edit_the_profile(page, live_server):
    page.goto(live_server)
    expect(page.get_by_role("heading", level=1)).to_have_text("Share what works in local partnerships")
    assert_accessible(page)

    page.get_by_role("link", name="Improving understanding").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Improving understanding")
    expect(page.get_by_role("table")).to_contain_text("Use a 'scattergun' approach")
    assert_accessible(page)

    page.get_by_role("link", name="Next theme Joining-up policy").click()
    expect(page).to_have_url(f"{live_server}/themes/joining-up-policy")
    assert_accessible(page)

    page.get_by_role("link", name="About", exact=True).click()
    expect(page.get_by_role("heading", name="Did you know?")).to_be_visible()
    assert_accessible(page)

    # An empty form first: the error summary links to the fields.
    page.get_by_role("navigation", name="Your account").get_by_role("link", name="Register").click()
    assert_accessible(page)
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_role("button", name="Create account").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_contain_text("Enter the name other members will see")
    expect(page.get_by_label("Email address")).to_have_value("priya@example.org")
    assert_accessible(page)
    page.get_by_role("link", name="Choose your region").click()
    expect(page.get_by_label("Region")).to_be_focused()

    register(page, live_server)
    # The same answer whether or not the address has an account: the link to verify it comes by mail.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert_accessible(page)

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgotten your password?")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter your email address")
    assert_accessible(page)
    page.get_by_role("link", name="Back to log in").click()
    page.get_by_label("Email address").fill("priya@example.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter a correct email address and password")
    assert_accessible(page)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in as Priya Shah")

    page.get_by_role("link", name="Priya Shah").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("table", name="Browsers logged in to your account")).to_contain_text("This device")
    expect(page.get_by_role("heading", name="Verify your email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Organisation", exact=True).fill("Suffolk Association of Voluntary Organisations")
    page.get_by_label("Voluntary or community organisation").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("status")).to_contain_text("Your profile has been updated")
    expect(page.locator(".summary-list")).to_contain_text("Suffolk Association of Voluntary Organisations")
    assert_accessible(page)

    # A form error on the account page is accessible too.
    page.get_by_label("Current password").nth(1).fill("wrong one entirely")
    page.get_by_label("New password", exact=True).fill("another long password")
    page.get_by_label("Confirm new password").fill("another long password")
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_role("alert")).to_contain_text("Your current password is not right")
    assert_accessible(page)


def test_everything_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    register(page, live_server, email="nojs@example.org")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(f"{live_server}/login")
    page.get_by_label("Email address").fill("nojs@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("You are logged in")
    context.close()


def test_skip_link_is_first_and_visible_when_focused(page, live_server):
    page.goto(f"{live_server}/themes/funding-it-better")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"


def test_error_pages_and_narrow_screens_are_accessible(page, live_server):
    response = page.goto(f"{live_server}/themes/no-such-theme")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}/themes/sharing-good-practice")
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px wide)"
    # The checklist's two columns stack on a phone, each cell labelled "Do…" or "Don't…".
    label = page.locator("td.dont").first.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert "Don't" in label
