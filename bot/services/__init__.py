"""All SQL and every state change. Each function takes the session keyword-only and knows nothing of Slack.

May import bot/db, bot/domain, the classifier's pure types, bot.domain.views (the plain data it returns) and sources.Mention.
"""
