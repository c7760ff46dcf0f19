"""Lookups several views share: a record by the id in the URL, or a calm 404."""

from flask import abort

from finder.services import directory

__all__ = ["provider_or_404", "call_or_404"]


def provider_or_404(provider_id: int, *, include_deleted: bool = False) -> dict:
    record = directory().provider(provider_id, include_deleted=include_deleted)
    if record is None:
        abort(404)
    return record


def call_or_404(call_id: int) -> dict:
    record = directory().call(call_id)
    if record is None:
        abort(404)
    return record
