"""Small pieces several features share: text helpers, pagination, form fields, regions and sectors.
Nothing here imports a feature."""
