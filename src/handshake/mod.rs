//! Pairing a local and a hosted backend: the Session Binding Token, the pair keys, and the
//! signed requests between paired backends.
