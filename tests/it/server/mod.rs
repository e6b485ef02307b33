//! The local credential server (`exec --server`, `serve`): real clients, clock jumps,
//! and the neighbours it meets on a real machine.

mod clock;
mod exec_and_serve;
mod neighbours;
