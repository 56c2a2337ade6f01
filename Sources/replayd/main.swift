print("replayd: not yet wired")
