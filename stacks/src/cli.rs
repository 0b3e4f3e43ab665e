//! The command line every stack binary shares: JSON on stdout (the user's
//! `cargo run --bin hello_stack > main.tf.json`), `--out DIR`, `--graph FORMAT`,
//! `--version`, `--help`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use infra_core::{Stack, Violations};

/// One stack's binary: its name, its help text (the options are appended), the model (for
/// the cost drivers and the picture) and its checked synthesis. `stacks::STACKS` lists them.
pub struct StackBin {
    pub name: &'static str,
    pub help: &'static str,
    pub stack: fn() -> Stack,
    pub json: fn() -> Result<String, Violations>,
}

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    Print,
    Out(PathBuf),
    Graph(GraphFormat),
    Version,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphFormat {
    Dot,
    Mermaid,
    Svg,
}

/// The options, for `--help`.
pub const OPTIONS: &str = "\
OPTIONS:
    --out DIR        write DIR/main.tf.json (only when the checks pass)
    --graph FORMAT   print the architecture picture: svg (needs Graphviz `dot`), dot, mermaid
    -V, --version    print the version
    -h, --help       print this help
";

/// Parse the arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Action, String> {
    let mut it = args.iter();
    let Some(first) = it.next() else {
        return Ok(Action::Print);
    };
    let action = match first.as_str() {
        "-h" | "--help" => Action::Help,
        "-V" | "--version" => Action::Version,
        "--out" => match it.next() {
            Some(d) if !d.is_empty() => Action::Out(PathBuf::from(d)),
            _ => return Err("`--out` needs a directory".into()),
        },
        "--graph" => match it.next().map(String::as_str) {
            Some("svg") => Action::Graph(GraphFormat::Svg),
            Some("dot") => Action::Graph(GraphFormat::Dot),
            Some("mermaid") => Action::Graph(GraphFormat::Mermaid),
            Some(f) => return Err(format!("unknown graph format `{f}` (svg, dot, mermaid)")),
            None => return Err("`--graph` needs a format: svg, dot, mermaid".into()),
        },
        a => return Err(format!("unexpected argument `{a}`")),
    };
    if let Some(extra) = it.next() {
        return Err(format!("unexpected argument `{extra}`"));
    }
    Ok(action)
}

/// Render the picture; `svg` runs Graphviz's `dot`.
pub fn graph(stack: &Stack, format: GraphFormat) -> Result<String, String> {
    let dot = infra_core::diagram::dot(stack);
    match format {
        GraphFormat::Dot => Ok(dot),
        GraphFormat::Mermaid => Ok(infra_core::diagram::mermaid(stack)),
        GraphFormat::Svg => {
            let mut child = Command::new("dot")
                .arg("-Tsvg")
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .map_err(|e| {
                    format!("could not run Graphviz `dot` ({e}): install graphviz (scripts/setup-tools.sh does), or use --graph dot")
                })?;
            child
                .stdin
                .take()
                .expect("piped stdin")
                .write_all(dot.as_bytes())
                .map_err(|e| format!("writing to dot: {e}"))?;
            let out = child.wait_with_output().map_err(|e| format!("dot: {e}"))?;
            if !out.status.success() {
                return Err(format!(
                    "dot failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                ));
            }
            String::from_utf8(out.stdout).map_err(|_| "dot printed non-UTF-8".into())
        }
    }
}

/// Notes on stderr for payload artifacts missing at their default path, seen from the
/// Terraform working directory `dir`, naming the command that builds each.
pub fn missing_artifacts(stack: &Stack, dir: &Path) -> Vec<String> {
    stack
        .payloads
        .iter()
        .filter(|p| {
            let a = Path::new(&p.artifact);
            !(if a.is_absolute() {
                a.is_file()
            } else {
                dir.join(a).is_file()
            })
        })
        .map(|p| {
            format!(
                "note: payload `{}`: no artifact at {} (seen from {}); build it with `{}` before `terraform apply`, or pass -var {}_artifact=PATH",
                p.name,
                p.artifact,
                dir.display(),
                p.build_command(),
                p.name
            )
        })
        .collect()
}

/// Run a stack binary with `args` (without the program name).
pub fn run(bin: &StackBin, args: impl Iterator<Item = String>) -> ExitCode {
    let args: Vec<String> = args.collect();
    run_with(bin.name, bin.help, &(bin.stack)(), &args, bin.json)
}

/// [`run`] with explicit arguments (the tests call it).
pub fn run_with(
    name: &str,
    help: &str,
    stack: &Stack,
    args: &[String],
    json: impl FnOnce() -> Result<String, Violations>,
) -> ExitCode {
    let action = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{name}: {e} (try --help)");
            return ExitCode::from(2);
        }
    };
    match action {
        Action::Help => {
            print!("{help}\n{OPTIONS}");
            println!("\nMONTHLY COST DRIVERS (us-east-1 on-demand, approximate):");
            for line in infra_core::cost::drivers(stack) {
                println!("    {line}");
            }
            ExitCode::SUCCESS
        }
        Action::Version => {
            println!("{name} {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Action::Graph(f) => {
            // The picture is of the checked model only.
            if let Err(v) = json() {
                eprintln!("{name}: refusing to draw a stack that fails its checks\n{v}");
                return ExitCode::FAILURE;
            }
            match graph(stack, f) {
                Ok(text) => write_stdout(name, &text),
                Err(e) => {
                    eprintln!("{name}: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Action::Print | Action::Out(_) => {
            let json = match json() {
                Ok(j) => j,
                Err(v) => {
                    eprintln!("{name}: refusing to print a stack that fails its checks\n{v}");
                    return ExitCode::FAILURE;
                }
            };
            let dir = match &action {
                Action::Out(d) => d.clone(),
                _ => PathBuf::from("."),
            };
            for note in missing_artifacts(stack, &dir) {
                eprintln!("{name}: {note}");
            }
            match action {
                Action::Out(d) => {
                    let file = d.join("main.tf.json");
                    // Written whole to a temporary name, then renamed: never a partial file.
                    let tmp = d.join(".main.tf.json.tmp");
                    let res = std::fs::create_dir_all(&d)
                        .and_then(|_| std::fs::write(&tmp, json.as_bytes()))
                        .and_then(|_| std::fs::rename(&tmp, &file));
                    match res {
                        Ok(()) => {
                            eprintln!("{name}: wrote {}", file.display());
                            ExitCode::SUCCESS
                        }
                        Err(e) => {
                            eprintln!("{name}: could not write {}: {e}", file.display());
                            ExitCode::FAILURE
                        }
                    }
                }
                _ => write_stdout(name, &json),
            }
        }
    }
}

fn write_stdout(name: &str, text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .is_err()
    {
        eprintln!("{name}: could not write to stdout");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
