//! The files stscreds reads and writes stay whole and private, whatever is in them:
//! bad or hostile files, text that would break out of its line, `clear` and `remove`,
//! and the INI editor under property tests and the fuzzer's corpus.

mod fuzz_corpus;
mod hostile;
mod housekeeping;
mod ini_properties;
mod line_breaks;
mod local_input;
