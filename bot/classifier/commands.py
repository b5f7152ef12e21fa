# TEMP stand-in (uncommitted)
def register(sub): pass
