"""Ground rules against hostile and careless input (issue 11), in one place.

- params: read ids and numbers from requests (int_param / parse_int) and ?next= targets.
- middleware: NUL bytes in the path, query or form are a 400.
- views: handler400, which shows our own BadParameter messages.
- parsers / routers: the API's JSON body limit and ASCII-digit ids.
- tokens: API tokens that expire and are revoked on sign-out and password change.
- images: photos over IMAGE_MAX_PIXELS are refused before they are decoded.
"""
