"""Template cards the bot sent, and what a tap on one does.

A question asked with a `Choice` goes out through the outbox as a WeCom template card; `record`
keeps each card sent (its task id, the response_code WeCom returned) under the card's subject.
`clicks` answers a tap: the same step as the typed answer, exactly once, or a clear line for a stale
card. `settle` is called by every step that answers a question, however it was answered (a tap, a
typed word, the console, another person): it marks the subject's cards answered and queues
message/update_template_card for each one still open, so nobody taps a stale button.
"""
