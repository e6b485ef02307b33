//! When something goes wrong: no dead ends, every fault of AWS or the network one
//! clear line, untrusted answers refused, and no secret on stderr.

mod dead_ends;
mod faults;
mod hostile_answers;
mod secrets;
