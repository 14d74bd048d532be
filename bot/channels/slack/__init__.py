"""Slack: `/prep-talk`, the coaching dialog in the app's DM and the assistant panel, App Home,
multi-workspace install (`mount.add_slack`), and nudges as DMs (`nudges`).

Nothing is imported here: the nudge worker imports the sender alone, without Bolt and the
coaching listeners.
"""
