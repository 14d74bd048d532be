"""Quarter-end DM nudges: who is due what and when (planner), an outbox in SQL, and senders."""
