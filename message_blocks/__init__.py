"""Pure Block Kit builders: plain data in, Slack JSON out. No I/O."""
