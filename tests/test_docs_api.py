"""The REST API reference (docs/api.md and the pages it links to) keeps up with the API.

A section of the reference documents an operation when its heading, or the paragraph right
under the heading, names it as ``METHOD /api/path`` in backticks, with the path written as in
the OpenAPI schema. Subsections (``#### Search`` under ``### List courses``) belong to the
operation of the section that holds them.
"""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

import django_coursehub
from django_coursehub.exceptions import CoursehubError
from tests.urls import api

DOCS = Path(__file__).resolve().parent.parent / "docs"
API_PAGE = DOCS / "api.md"
PACKAGE_SOURCE = Path(django_coursehub.__file__).parent
HTTP_METHODS = {"get", "post", "put", "patch", "delete"}

OPERATION_NAME = re.compile(r"`((?:GET|POST|PUT|PATCH|DELETE) /api/[^`\s?]*)`")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
FENCE_OPEN = re.compile(r"^([ \t]*)```(.*)$")
BLOCK_TITLE = re.compile(r'title="([^"]*)"')
STATUS_TITLE = re.compile(r"^(\d{3})\b")
PAGE_LINK = re.compile(r"\]\(([\w-]+\.md)(?:#[^)]*)?\)")


def _schema_operations() -> dict[str, set[int]]:
    """``"METHOD /api/path"`` of every operation, with the statuses its responses declare."""
    operations = {}
    for path, item in api.get_openapi_schema()["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                statuses = {int(status) for status in operation["responses"]}
                operations[f"{method.upper()} {path}"] = statuses
    return operations


OPERATIONS = _schema_operations()


@dataclass
class Block:
    line: int
    info: str
    body: str

    @property
    def title(self) -> str:
        match = BLOCK_TITLE.search(self.info)
        return match.group(1) if match else ""


@dataclass
class Section:
    page: str
    level: int
    heading: str
    opening: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    inherited: set[str] = field(default_factory=set)

    @property
    def named_operations(self) -> set[str]:
        return set(OPERATION_NAME.findall(" ".join([self.heading, *self.opening])))

    @property
    def operations(self) -> set[str]:
        return self.named_operations or self.inherited


def _sections(page: Path) -> list[Section]:
    """The page cut at its headings; fenced blocks are kept whole, wherever they are indented."""
    sections = [Section(page.name, 0, "")]
    lines = enumerate(page.read_text(encoding="utf-8").splitlines(), start=1)
    opening_done = False
    for number, line in lines:
        fence = FENCE_OPEN.match(line)
        if fence:
            indent, info = fence.groups()
            body = []
            for _, inner in lines:
                if inner.strip() == "```" and inner.startswith(indent):
                    break
                body.append(inner[len(indent) :])
            sections[-1].blocks.append(Block(number, info.strip(), "\n".join(body)))
            opening_done = True
            continue
        sections[-1].text.append(line)
        heading = HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            section = Section(page.name, level, heading.group(2))
            parent = next((s for s in reversed(sections) if s.level < level), None)
            if parent is not None:
                section.inherited = parent.operations
            sections.append(section)
            opening_done = False
        elif not line.strip():
            opening_done = opening_done or bool(sections[-1].opening)
        elif not opening_done:
            sections[-1].opening.append(line)
    return sections


def _reference_pages() -> list[Path]:
    linked = sorted(set(PAGE_LINK.findall(API_PAGE.read_text(encoding="utf-8"))))
    return [API_PAGE, *(DOCS / name for name in linked if (DOCS / name).exists())]


REFERENCE_SECTIONS = [section for page in _reference_pages() for section in _sections(page)]
JSON_BLOCKS = [
    pytest.param(block, id=f"{page.name}:{block.line}")
    for page in sorted(DOCS.glob("*.md"))
    for section in _sections(page)
    for block in section.blocks
    if block.info.split()[:1] == ["json"]
]


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_every_operation_has_a_section_in_the_reference(operation):
    documented = {name for section in REFERENCE_SECTIONS for name in section.named_operations}

    assert operation in documented, (
        f"`{operation}` heads no section of docs/api.md or of a page it links to"
    )


def _names_an_operation(name: str) -> bool:
    """Whether ``name`` is an operation, with its path parameters either spelled as in the schema
    (``{course_id}``) or filled in with a value (``/api/courses/2/``)."""
    method, _, path = name.partition(" ")
    segments = path.split("/")
    for operation in OPERATIONS:
        operation_method, _, template = operation.partition(" ")
        template_segments = template.split("/")
        if operation_method != method or len(template_segments) != len(segments):
            continue
        if all(
            segment == expected
            or (expected.startswith("{") and segment and not segment.startswith("{"))
            for segment, expected in zip(segments, template_segments, strict=True)
        ):
            return True
    return False


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda page: page.name)
def test_every_operation_the_docs_name_exists(page):
    named = set(OPERATION_NAME.findall(page.read_text(encoding="utf-8")))

    assert {name for name in named if not _names_an_operation(name)} == set()


@pytest.mark.parametrize(
    "operation", sorted(name for name, statuses in OPERATIONS.items() if statuses & {200, 201})
)
def test_every_operation_with_a_body_shows_an_example_answer(operation):
    examples = [
        block.title
        for section in REFERENCE_SECTIONS
        if operation in section.operations
        for block in section.blocks
        if re.match(r"^2\d\d\b", block.title)
    ]

    assert examples, f'no ```json title="200 OK" (or 201...) example for `{operation}`'


def _status_examples():
    for section in REFERENCE_SECTIONS:
        for block in section.blocks:
            status = STATUS_TITLE.match(block.title)
            if status:
                yield pytest.param(
                    section, int(status.group(1)), id=f"{section.page}:{block.title}"
                )


@pytest.mark.parametrize(("section", "status"), list(_status_examples()))
def test_every_example_answer_has_a_status_its_operation_declares(section, status):
    assert section.operations, f"the example in '{section.heading}' belongs to no operation"
    declared = set().union(*(OPERATIONS[name] for name in section.operations))

    assert status in declared, f"{sorted(section.operations)} declare {sorted(declared)}"


@pytest.mark.parametrize("block", JSON_BLOCKS)
def test_every_json_example_is_valid_json(block):
    json.loads(block.body)


#: Drivers and SDKs the package imports only where a host installed them.
OPTIONAL_DEPENDENCIES = {"psycopg", "psycopg2", "stripe"}


def _error_classes() -> set[type[CoursehubError]]:
    for module in pkgutil.walk_packages(django_coursehub.__path__, "django_coursehub."):
        if ".migrations" in module.name:
            continue
        try:
            importlib.import_module(module.name)
        except ModuleNotFoundError as error:
            if error.name not in OPTIONAL_DEPENDENCIES:
                raise
    found: set[type[CoursehubError]] = set()
    pending = list(CoursehubError.__subclasses__())
    while pending:
        cls = pending.pop()
        found.add(cls)
        pending.extend(cls.__subclasses__())
    return found


def _codes_given_explicitly(error_names: set[str]) -> set[str]:
    """``code="..."`` passed to an error class, and ``"code"`` of error bodies built by hand."""
    codes = set()
    for source in PACKAGE_SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                callee = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if callee in error_names:
                    codes.update(
                        keyword.value.value
                        for keyword in node.keywords
                        if keyword.arg == "code" and isinstance(keyword.value, ast.Constant)
                    )
            elif isinstance(node, ast.Dict):
                entries = {
                    key.value: value
                    for key, value in zip(node.keys, node.values, strict=True)
                    if isinstance(key, ast.Constant)
                }
                code = entries.get("code")
                if "detail" in entries and isinstance(code, ast.Constant):
                    codes.add(code.value)
    return codes


def _package_error_codes() -> set[str]:
    classes = _error_classes()
    return {cls.code for cls in classes} | _codes_given_explicitly({c.__name__ for c in classes})


def _documented_error_codes() -> set[str]:
    """The code spans in the last column of the tables of api.md's "Errors" section."""
    (errors,) = [section for section in _sections(API_PAGE) if section.heading == "Errors"]
    codes = set()
    for line in errors.text:
        if line.startswith("|") and not set(line) <= set("|-: "):
            last_column = line.strip().strip("|").split("|")[-1]
            codes.update(re.findall(r"`([a-z_]+)`", last_column))
    return codes


def test_every_error_code_the_package_answers_is_in_the_error_table():
    missing = _package_error_codes() - _documented_error_codes()

    assert not missing, f"add to the table under 'Errors' in docs/api.md: {sorted(missing)}"


def test_the_error_table_lists_only_codes_the_package_answers():
    unknown = _documented_error_codes() - _package_error_codes()

    assert not unknown, sorted(unknown)
