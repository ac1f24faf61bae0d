"""Materials lists for printed forms, from a policy version's ``documents`` and what the window
recorded for a case (original sighted, copy kept, scan attached)."""

from collections.abc import Iterable, Mapping

from app.policy.schema import DocumentDef, VersionDef
from app.printing.records import ChecklistItem

# original sighted, copy kept, scan attached, both sides copied
RecordedItem = tuple[bool, bool, bool, bool]


def document_label(document: DocumentDef) -> str:
    """The material as printed: name, its alternatives, and 正反两面 where both sides count."""
    label = document.name
    if document.alternatives:
        label += f"（{'、'.join(document.alternatives)}等）"
    if document.both_sides and "正反" not in label:
        label += "（正反两面）"
    return label


def required_documents(
    version: VersionDef, stages: Iterable[str], clause_prefix: str = ""
) -> list[DocumentDef]:
    """The documents the given stages require, each code once, in file order; with
    ``clause_prefix`` only those from that part of the document (e.g. 三(二) for 威海's
    application attachments), ordered by clause."""
    seen: dict[str, DocumentDef] = {}
    for stage in stages:
        for document in version.documents.get(stage, ()):
            if document.clause.startswith(clause_prefix) and document.code not in seen:
                seen[document.code] = document
    documents = list(seen.values())
    if clause_prefix:
        documents.sort(key=lambda document: document.clause)
    return documents


def checklist_items(
    documents: Iterable[DocumentDef], recorded: Mapping[str, RecordedItem]
) -> tuple[ChecklistItem, ...]:
    """One printed item per document, ticked from ``recorded`` (by document code)."""
    items = []
    for document in documents:
        original, copy_kept, scan, sides = recorded.get(document.code, (False,) * 4)
        items.append(
            ChecklistItem(
                document_label(document),
                document.clause,
                original,
                copy_kept,
                scan,
                document.both_sides,
                document.both_sides and sides,
            )
        )
    return tuple(items)


def common_article(clauses: Iterable[str]) -> str:
    """The article all clauses belong to (第二十四条(一), 第二十四条(五) -> 第二十四条), or ""."""
    clauses = list(clauses)
    if not clauses:
        return ""
    prefix = clauses[0]
    for clause in clauses[1:]:
        while not clause.startswith(prefix):
            prefix = prefix[:-1]
    return prefix[: prefix.rindex("条") + 1] if "条" in prefix else ""
