//! How a request, attempt or query ended, and why. The reason drives log lines and traces;
//! the class is what dashboards count (5xx, timeout, 429, shed).

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Class {
    Ok,
    E5xx,
    Timeout,
    R429,
    Shed,
}

/// Why something failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Reason {
    /// A bug in the running version (or a flag's code path).
    AppError,
    /// An injected error.
    Injected,
    /// The instance died with the request in flight.
    ConnectionReset,
    /// No instance in rotation.
    NoHealthyUpstream,
    /// The instance's queue was full.
    Overloaded,
    /// Rejected by edge load shedding.
    Shed,
    PoolTimeout,
    TooManyConnections,
    DbUnavailable,
    DbError,
    DiskFull,
    BreakerOpen,
    /// A required dependency call failed.
    DependencyFailed,
    /// The request's deadline passed before it finished (deadline propagation).
    DeadlineExceeded,
    /// The caller stopped waiting.
    TimedOut,
    ConnectionRefused,
    RateLimited,
    /// 403 for a blocked client (counted apart from the edge's request metrics).
    Blocked,
    TlsHandshake,
    ServiceDown,
    /// The instance cannot create the threads it needs (an OS limit).
    ThreadLimit,
}

impl Reason {
    pub fn class(self) -> Class {
        match self {
            Reason::TimedOut => Class::Timeout,
            Reason::RateLimited | Reason::Blocked => Class::R429,
            Reason::Shed | Reason::Overloaded => Class::Shed,
            _ => Class::E5xx,
        }
    }

    /// What the caller's log says.
    pub fn text(self) -> &'static str {
        match self {
            Reason::AppError => "500 Internal Server Error: unhandled exception",
            Reason::Injected => "500 Internal Server Error",
            Reason::ConnectionReset => "502 connection reset by peer",
            Reason::NoHealthyUpstream => "503 no healthy upstream",
            Reason::Overloaded => "503 queue full, request rejected",
            Reason::Shed => "503 load shed at the edge",
            Reason::PoolTimeout => "timed out waiting for a database connection from the pool",
            Reason::TooManyConnections => "FATAL: sorry, too many clients already",
            Reason::DbUnavailable => "could not connect to the database server",
            Reason::DbError => "database error",
            Reason::DiskFull => "ERROR: could not extend file: No space left on device",
            Reason::BreakerOpen => "circuit breaker open, failing fast",
            Reason::DependencyFailed => "502 a dependency call failed",
            Reason::DeadlineExceeded => "deadline exceeded, abandoning work",
            Reason::TimedOut => "timed out",
            Reason::ConnectionRefused => "connection refused",
            Reason::RateLimited => "429 Too Many Requests",
            Reason::Blocked => "403 Forbidden: client blocked",
            Reason::TlsHandshake => "TLS handshake failed: certificate has expired",
            Reason::ServiceDown => "503 Service Unavailable",
            Reason::ThreadLimit => "500 cannot create native thread: resource temporarily unavailable",
        }
    }
}

pub type Outcome = Result<(), Reason>;

pub fn class_of(o: Outcome) -> Class {
    match o {
        Ok(()) => Class::Ok,
        Err(r) => r.class(),
    }
}
