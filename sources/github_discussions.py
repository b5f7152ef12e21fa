"""GitHub Discussions: found and answered only through the GraphQL API (REST search has no discussions). Pure shapes.

GraphQL answers its own errors with HTTP 200 and an `errors` list; a
`RATE_LIMITED` error there is the same rate limit as a 403 elsewhere.
"""

from __future__ import annotations

from typing import Any

from sources.base import Mention, SourceError, SourceRateLimited
from sources.text import iso_time

SEARCH = """
query($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: DISCUSSION, first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    nodes {
      ... on Discussion {
        id number title bodyText url createdAt
        author { login }
        repository { nameWithOwner }
        reactions { totalCount }
        comments { totalCount }
      }
    }
  }
}
"""

ADD_COMMENT = """
mutation($discussion: ID!, $body: String!) {
  addDiscussionComment(input: {discussionId: $discussion, body: $body}) { comment { id url } }
}
"""


class GraphQLRefused(SourceError):
    """GraphQL said no (HTTP 200 with `errors`): nothing was made; `error_type` is its type (NOT_FOUND, FORBIDDEN)."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.error_type = error_type


def data(answer: Any, rate_limit_wait: float) -> dict[str, Any]:
    """The answer's `data`; its `errors` as SourceRateLimited (RATE_LIMITED) or GraphQLRefused (anything else)."""
    if not isinstance(answer, dict):
        raise SourceError("GitHub GraphQL sent an unexpected body")
    errors = [e for e in answer.get("errors") or [] if isinstance(e, dict)]
    if errors:
        first = errors[0]
        said = f"{first.get('type') or 'error'}: {' '.join(str(first.get('message', '')).split())[:160]}"
        if first.get("type") == "RATE_LIMITED":
            raise SourceRateLimited(f"GitHub GraphQL is rate limiting this token ({said})", rate_limit_wait, status=200, detail=said)
        raise GraphQLRefused(f"GitHub GraphQL refused the call ({said})", str(first.get("type") or ""))
    if not isinstance(answer.get("data"), dict):
        raise SourceError("GitHub GraphQL sent an answer without data")
    return answer["data"]


def mention(node: Any, kind: str, name: str) -> Mention | None:
    if not isinstance(node, dict) or not node.get("id") or not node.get("url") or not node.get("createdAt"):
        return None
    repo = (node.get("repository") or {}).get("nameWithOwner") or ""
    return Mention(
        source_kind=kind,
        source_name=name,
        external_id=str(node["id"]),
        url=str(node["url"]),
        title=f"{repo} discussion #{node.get('number')}: {node.get('title') or ''}",
        text=str(node.get("bodyText") or ""),
        author=(node.get("author") or {}).get("login") or "",
        published_at=iso_time(node["createdAt"]),
        reach=(node.get("reactions") or {}).get("totalCount") or (node.get("comments") or {}).get("totalCount"),
        extra={"repo": repo, "discussion": True},
        reply_to={"discussion_id": str(node["id"])},
    )
