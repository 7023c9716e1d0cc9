//! First start: the shipped framework. Demo: a small, realistic organisation tree.
