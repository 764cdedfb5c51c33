//! Pairing a local and a hosted backend: the Session Binding Token, the pair keys, and the
//! signed requests between paired backends.

pub mod httpsig;
pub mod pair_key;
pub mod sbt;

#[cfg(test)]
mod test_vectors;
