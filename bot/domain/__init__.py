"""Pure rules of the product (relevance, SLA, playbook, drafts, command parsing): no I/O; imports nothing from bot/ but other domain modules."""
