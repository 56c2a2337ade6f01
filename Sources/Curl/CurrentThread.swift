#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The identity of the calling OS thread, used to prove that libcurl handles stay on the network thread.
enum CurrentThread {
    /// A number that identifies the calling thread while it runs (`pthread_self`, or the Mach thread port).
    static var id: UInt64 {
        #if canImport(Darwin)
        return UInt64(pthread_mach_thread_np(pthread_self()))
        #else
        return UInt64(pthread_self())
        #endif
    }
}
