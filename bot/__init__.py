"""prep-talk: a coach for security leaders before hard conversations with the business."""
