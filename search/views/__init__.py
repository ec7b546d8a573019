"""The pages, one module per domain: photos (gallery, albums, upload), photos_api (the upload and
status JSON), faces (a click on a face), image_search, people, tagging_api (token-authenticated JSON),
account (sign-up, consent, export, erasure), reports. Reads go through indexing's selectors, writes
through its services."""
