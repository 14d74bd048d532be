"""Alembic migrations, shipped inside the wheel as `bot.shipped.migrations`."""
