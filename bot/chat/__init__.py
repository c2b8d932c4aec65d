"""What handlers speak: Incoming and Reply, Context, routes, dialogue state, the outbox, the understanding."""
