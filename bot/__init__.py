"""Complaint Bot. The top level is wiring only: settings, the runtime, the Bolt app, the web edge, the scheduler, the CLI.

Layers below, each importing only what is under it: handlers/ -> bot/flows/ -> bot/services/ -> bot/db/;
flows also use bot/slack/ (delivery, permissions), bot/domain/, bot/classifier/, message_blocks/ and sources/.
"""
