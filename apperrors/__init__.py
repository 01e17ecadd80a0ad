"""One error type for the whole application and one shape for every API error body.

Services raise `AppError` (or a subclass) with a code, a message in the user's language and,
for bad input, the messages per field. Pages put it on their forms (`apperrors.forms`), the API
answers it through one DRF exception handler (`apperrors.api`), in the shape documented in
docs/api.md#errors:

    {"code": "wrong_state", "detail": "…", "errors": {"field": ["…"]}, …context}
"""
