//! Lakedeck console.
