import ArgumentParser

/// Placeholder replaced when the simulator lands.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "simulate", abstract: "Run the Strait simulator.")
}
