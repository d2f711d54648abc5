"""The app shell: the factory that builds the site from its features, its configuration, the error
pages, the template helpers, the security headers, the command line and the seed loader. Nothing
below it imports it."""
