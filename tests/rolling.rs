//! Rolling deploys: what a hosted instance does when it is told to stop (SIGTERM, or the same
//! graceful path in process), and what its peers see. Telemetry sockets close with 1001 at
//! the start of shutdown and the local daemon reconnects at once, to the next instance; a
//! request in flight finishes and its answer is delivered; nothing upgraded holds the stop.

mod common;
#[path = "rolling/shutdown.rs"]
mod shutdown;
