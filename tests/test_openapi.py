"""The OpenAPI schema documents every operation: summary, tags and error responses."""

from __future__ import annotations

import pytest

from tests.urls import api

HTTP_METHODS = {"get", "post", "put", "patch", "delete"}


def _operations():
    schema = api.get_openapi_schema()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


OPERATIONS = dict(_operations())


def test_every_path_ends_with_a_slash():
    assert all(name.endswith("/") for name in OPERATIONS)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_has_summary_tags_and_error_responses(name):
    operation = OPERATIONS[name]

    assert operation.get("summary")
    assert operation.get("tags")
    assert any(str(code).startswith("4") for code in operation["responses"])


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_documents_the_413_answer_to_an_oversized_body(name):
    # Every operation reads its body first, so any of them can answer it.
    responses = OPERATIONS[name]["responses"]

    assert 413 in responses
    assert "application/json" in responses[413]["content"]
