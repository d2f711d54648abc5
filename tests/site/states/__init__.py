"""Each feature's states on the whole site, in the order they build on one another."""

from tests.site.states import auth, library, board, themes, collections, moderation, search, feeds, sitemap, api  # noqa: F401,I001
from tests.site.states import partnerships  # noqa: F401,E402
from tests.site.states import notifications  # noqa: F401,E402
from tests.site.states import deletion  # noqa: F401,E402
from tests.site.states import meaning  # noqa: F401,E402
