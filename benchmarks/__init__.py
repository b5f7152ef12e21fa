"""Speed, measured and printed as Markdown tables (`python -m benchmarks`), never asserted as timings in tests.

Its place in the layers (what it may import, and why): docs/architecture.md.
"""
