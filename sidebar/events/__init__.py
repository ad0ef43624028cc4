"""WeCom callbacks: stored once under a dedupe key by the receiver, then processed (and retried) by a job."""
