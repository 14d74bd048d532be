"""The `prep-talk` command line."""
