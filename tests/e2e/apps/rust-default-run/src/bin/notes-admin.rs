fn main() { println!("notes-admin"); }
