mod cli;
mod neardup;
