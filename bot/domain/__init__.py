"""Pure rules of the product: the vocabulary (enums), the views builders take, refusals, relevance, SLA, drafts,
command parsing. No I/O.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
