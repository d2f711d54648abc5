"""Board pages for readers and writers: categories, threads, posting, editing, reporting, watching.
Moderators' actions are in moderation_views.py."""

from __future__ import annotations

from functools import wraps

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from kb.board import bp, queries, rules, service
from kb.board.forms import EditPostForm, FlagForm, MoveForm, ReplyForm, ThreadForm
from kb.board.models import BoardPost, BoardThread, PostState, quote_attribution
from kb.board.service import BoardError, RateLimited
from kb.library.models import Kind, Status
from kb.library.queries import get_item
from kb.platform.extensions import login_manager
from kb.platform.http import LARGEST_ID, id_argument, page_argument, query_arguments
from kb.platform.permissions import is_moderator, member_required
from kb.platform.site_address import address_of
from kb.platform.text import member_name

INVALID = 422


def board_reader(view):
    """Reading needs an account unless KB_BOARD_PUBLIC is set: anonymous visitors go to log in."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not rules.can_read_board(current_user):
            return login_manager.unauthorized()  # to log in, told why (kb/auth/views.py, WHY_LOG_IN)
        return view(*args, **kwargs)

    return wrapped


@bp.app_context_processor
def board_rules():
    return {"board_rules": rules}


# State names as the model spells them, so templates and macros compare with PostState.HELD, not "held".
bp.add_app_template_global(PostState, "PostState")


@bp.app_template_global()
def thread_case_study(thread: BoardThread):
    return get_item(Kind.CASE_STUDY, thread.case_study_id) if thread.case_study_id else None


@bp.app_template_global()
def board_category_for_theme(theme):
    return queries.category_for_theme(theme.id)


def thread_or_404(thread_id: int) -> BoardThread:
    thread = queries.get_thread(thread_id)
    if thread is None or not rules.can_see_thread(current_user, thread):
        abort(404)
    return thread


def post_or_404(post_id: int) -> BoardPost:
    post = queries.get_post(post_id)
    if post is None or not rules.can_see_thread(current_user, post.thread):
        abort(404)
    if post.state == PostState.HELD and not rules.can_see_post_text(current_user, post):
        abort(404)
    return post


@bp.route("/board")
@board_reader
def index():
    return render_template("board/index.html", summaries=queries.overview())


@bp.route("/board/<slug>")
@board_reader
def category(slug: str):
    listing = queries.category_listing(slug, current_user, page_argument())
    if listing is None:
        abort(404)
    category, page = listing
    return render_template("board/category.html", category=category, page=page)


def render_new_thread(form: ThreadForm, case_study=None, status: int = 200):
    return render_template(
        "board/new_thread.html", form=form, case_study=case_study, cannot_post=rules.why_cannot_post(current_user)
    ), status


def startable_categories():
    return [category for category in queries.categories() if rules.can_start_thread_in(current_user, category)]


@bp.route("/board/new", methods=["GET", "POST"])
@member_required
def new_thread():
    form = ThreadForm()
    form.prepare(startable_categories())
    case_study = None
    case_study_id = (form.case_study.data or request.args.get("case_study") or "").strip()
    if case_study_id.isdecimal() and int(case_study_id) <= LARGEST_ID:
        case_study = get_item(Kind.CASE_STUDY, int(case_study_id))
        if case_study is None or case_study.status != Status.PUBLISHED:
            case_study = None
    if request.method == "GET":
        form.category.data = request.args.get("category", "")
        return render_new_thread(form, case_study)
    if not form.validate_on_submit():
        return render_new_thread(form, case_study, INVALID)
    try:
        post = service.start_thread(
            queries.category_by_slug(form.category.data),
            form.title.data,
            form.body.data,
            by=current_user,
            case_study=case_study,
        )
    except RateLimited as error:
        form.form_errors.append(str(error))
        return render_new_thread(form, case_study, 429)
    except BoardError as error:
        form.form_errors.append(str(error))
        return render_new_thread(form, case_study, INVALID)
    flash_posted(post)
    return redirect(address_of(post.thread))


def flash_posted(post: BoardPost) -> None:
    if post.is_visible:
        flash("Posted.", "success")
    else:
        flash(
            f"Thank you. Your post is awaiting approval: {post.state_reason} Until then only you and the "
            "moderators can see it.",
            "info",
        )


@bp.route("/board/discuss/<id:case_study_id>")
@board_reader
def discuss_case_study(case_study_id: int):
    """Go to the case study's thread, or start it in the theme's category."""
    case_study = get_item(Kind.CASE_STUDY, case_study_id)
    if case_study is None or not case_study.is_readable:
        abort(404)
    thread = queries.thread_for_case_study(case_study.id)
    if thread is not None and rules.can_see_thread(current_user, thread):
        return redirect(address_of(thread))
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    category = case_study.themes and queries.category_for_theme(case_study.themes[0].id)
    return redirect(
        url_for("board.new_thread", case_study=case_study.id, category=category.slug if category else "general")
    )


@bp.route("/board/t/<id:thread_id>", defaults={"slug": ""})
@bp.route("/board/t/<id:thread_id>-<slug>")
@board_reader
def thread(thread_id: int, slug: str):
    thread, marks = queries.thread_with_marks(thread_id, current_user)
    if thread is None or not rules.can_see_thread(current_user, thread):
        abort(404)
    if slug != thread.slug:
        return redirect(address_of(thread, **query_arguments("page")), code=301)
    if "page" not in request.args:
        unread = queries.first_unread_post(thread, current_user, marks)
        if unread is not None:
            # Back to a thread read before: straight to the first post written since.
            return redirect(permalink_target(unread))
    return render_thread(thread, ReplyForm(), marks)


def render_thread(thread: BoardThread, reply_form: ReplyForm, marks: queries.MemberMarks, status: int = 200):
    page = queries.posts_of(thread, current_user, page_argument())
    if current_user.is_authenticated:
        shown = [post.visible_since for post in page.items if post.visible_since is not None]
        if page.number == page.pages:
            # The last page: every post that ever made the thread active is on some page, so the
            # member has seen the thread up to its last activity, and the next visit need not look
            # for a first unread post.
            shown.append(thread.last_activity_at)
        service.mark_read(current_user, thread, max(shown) if shown else None, marks.read_at)
    move_form = None
    if is_moderator(current_user):
        move_form = MoveForm(category=thread.category.slug)
        move_form.category.choices = [(category.slug, category.title) for category in queries.categories()]
    return render_template(
        "board/thread.html",
        thread=thread,
        page=page,
        reply_form=reply_form,
        move_form=move_form,
        watching=marks.watching,
        cannot_post=rules.why_cannot_post(current_user),
    ), status


def permalink_target(post: BoardPost) -> str:
    return address_of(post.thread, page=queries.page_of_post(post, current_user), _anchor=f"post-{post.id}")


@bp.route("/board/p/<id:post_id>")
@board_reader
def permalink(post_id: int):
    return redirect(permalink_target(post_or_404(post_id)))


@bp.route("/board/t/<id:thread_id>/reply", methods=["GET", "POST"])
@member_required
def reply(thread_id: int):
    thread = thread_or_404(thread_id)
    form = ReplyForm()
    if request.method == "GET":
        quoted = queries.get_post(id_argument("quote") or 0)
        if quoted is not None and quoted.thread_id == thread.id and quoted.is_visible:
            form.body.data = quote_of(quoted)
        return render_template(
            "board/reply.html", thread=thread, form=form, cannot_post=rules.why_cannot_post(current_user)
        )
    if not form.validate_on_submit():
        return render_template("board/reply.html", thread=thread, form=form), INVALID
    try:
        post = service.reply(thread, form.body.data, by=current_user)
    except BoardError as error:
        form.form_errors.append(str(error))
        status = 429 if isinstance(error, RateLimited) else INVALID
        return render_template(
            "board/reply.html", thread=thread, form=form, cannot_post=rules.why_cannot_post(current_user)
        ), status
    flash_posted(post)
    return redirect(permalink_target(post))


def quote_of(post: BoardPost) -> str:
    name = member_name(post.author, capitalised=True)
    quoted = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return f"{quoted}\n>\n> {quote_attribution(name, post.id)}\n\n"


@bp.route("/board/p/<id:post_id>/edit", methods=["GET", "POST"])
@member_required
def edit_post(post_id: int):
    post = post_or_404(post_id)
    if not rules.can_edit_post(current_user, post):
        abort(403)
    form = EditPostForm()
    if request.method == "GET":
        form.body.data = post.body
        return render_template("board/edit_post.html", post=post, form=form)
    if not form.validate_on_submit():
        return render_template("board/edit_post.html", post=post, form=form), INVALID
    try:
        service.edit_post(post, form.body.data, by=current_user, reason=form.reason.data)
    except BoardError as error:
        form.form_errors.append(str(error))
        return render_template("board/edit_post.html", post=post, form=form), INVALID
    flash(
        "Your changes have been saved."
        if post.is_visible
        else "Saved. The post is awaiting a moderator's approval before others see it.",
        "success",
    )
    return redirect(permalink_target(post))


@bp.route("/board/p/<id:post_id>/remove", methods=["POST"])
@member_required
def remove_post(post_id: int):
    post = post_or_404(post_id)
    if not rules.can_remove_post(current_user, post):
        abort(403)
    service.remove_own_post(post, by=current_user)
    flash("Your post has been removed. Its place in the thread shows that you removed it.", "success")
    return redirect(permalink_target(post))


@bp.route("/board/p/<id:post_id>/history")
@member_required
def post_history(post_id: int):
    post = post_or_404(post_id)
    if not rules.can_see_history(current_user, post):
        abort(403)
    return render_template("board/post_history.html", post=post)


@bp.route("/board/p/<id:post_id>/flag", methods=["GET", "POST"])
@member_required
def flag_post(post_id: int):
    post = post_or_404(post_id)
    form = FlagForm()
    if not rules.can_flag(current_user, post):
        message = rules.why_cannot_post(current_user) or "You cannot report this post."
        return render_template("board/flag.html", post=post, form=form, refusal=message), 403
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("board/flag.html", post=post, form=form), 200 if request.method == "GET" else INVALID
    try:
        hidden = service.flag_post(post, current_user, form.reason.data, form.note.data)
    except RateLimited as error:
        form.form_errors.append(str(error))
        return render_template("board/flag.html", post=post, form=form), 429
    except BoardError as error:
        flash(str(error), "error")
        return redirect(permalink_target(post))
    flash(
        "Thank you for reporting it. "
        + ("It is now hidden until a moderator looks at it." if hidden else "A moderator will look at it."),
        "success",
    )
    return redirect(permalink_target(post))


@bp.route("/board/t/<id:thread_id>/watch", methods=["POST"])
@member_required
def watch(thread_id: int):
    thread = thread_or_404(thread_id)
    service.watch(current_user, thread)
    flash("You are watching this thread: new posts appear on your watching page.", "success")
    return redirect(address_of(thread))


@bp.route("/board/t/<id:thread_id>/unwatch", methods=["POST"])
@member_required
def unwatch(thread_id: int):
    thread = thread_or_404(thread_id)
    service.unwatch(current_user, thread)
    flash("You are no longer watching this thread.", "success")
    return redirect(address_of(thread))


@bp.route("/my/watching")
@member_required
def watching():
    return render_template("board/watching.html", watched=queries.watched_threads(current_user))
