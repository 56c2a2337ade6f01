print("replayctl: not yet wired")
