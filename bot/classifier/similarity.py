# TEMP stand-in (uncommitted)
def fingerprint(text): return " ".join(sorted(set(text.lower().split())))[:64]
def is_near_duplicate(a, b): return a == b
