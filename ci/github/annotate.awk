# GitHub annotations (workflow commands) from the output of `shiplight check` or `shiplight
# verify` (standard output and error together), for the Action's steps. POSIX awk.
#
#   awk -v command=check -v status=1 -v dockerfile=PATH/Dockerfile -f annotate.awk OUTPUT
#
# check: one `::error` per file that drifted, on the first line of the file on disk that differs
# (line 1 for a missing file), with shiplight's summary, the decisions that moved and the first
# hunk of the diff as its message; a file that cannot be read, and a setting recorded by an older
# shiplight, on that file. verify: one `::error` per failed check, on the Dockerfile. Both:
# `error:` lines as errors and `warning:` lines as warnings. When the command failed and no line
# was recognised, one error says so.

function data(s) {
    gsub(/%/, "%25", s)
    gsub(/\r/, "%0D", s)
    gsub(/\n/, "%0A", s)
    return s
}

function property(s) {
    s = data(s)
    gsub(/:/, "%3A", s)
    gsub(/,/, "%2C", s)
    return s
}

function relative(p) {
    while (substr(p, 1, 2) == "./") p = substr(p, 3)
    return p
}

function annotate(kind, file, line, title, message,    props) {
    props = ""
    if (file != "") props = "file=" property(relative(file))
    if (file != "" && line > 0) props = props ",line=" line
    if (title != "") props = props (props == "" ? "" : ",") "title=" property(title)
    print "::" kind (props == "" ? "" : " " props) "::" data(message)
    if (kind == "error") errors++
}

function add_file(path, missing) {
    files++
    name[files] = path
    absent[files] = missing
    first[files] = 0
    hunk[files] = ""
    moved[files] = ""
    cause[files] = ""
    return files
}

BEGIN {
    files = 0; errors = 0; summary = ""; general = ""
    in_hunk = 0; hunks = 0; old_left = 0; new_left = 0; header = ""; moving = 0
    if (status == "") status = 0
    if (command == "") command = "check"
    max_hunk = 15
}

# Inside a hunk, the counts of its header say where it ends.
in_hunk {
    tag = substr($0, 1, 1)
    if (tag == " ") { old_left--; new_left-- }
    else if (tag == "-") old_left--
    else if (tag == "+") new_left--
    if (hunks == 1) {
        if (tag == " " && first[files] == 0) context++
        if ((tag == "-" || tag == "+") && first[files] == 0) first[files] = hunk_start + context
        if (hunk_lines < max_hunk) { hunk[files] = hunk[files] "\n" $0; hunk_lines++ }
        else if (hunk_lines == max_hunk) { hunk[files] = hunk[files] "\n..."; hunk_lines++ }
    }
    if (old_left <= 0 && new_left <= 0) in_hunk = 0
    next
}

command == "check" && /^--- / && (/ \(on disk\)$/ || $0 == "--- /dev/null (missing)") {
    header = $0
    next
}

command == "check" && header != "" && /^\+\+\+ .* \(generated\)$/ {
    path = substr($0, 5, length($0) - 4 - length(" (generated)"))
    add_file(path, header == "--- /dev/null (missing)")
    header = ""; hunks = 0
    next
}

command == "check" && files > 0 && /^@@ -[0-9]+(,[0-9]+)? \+[0-9]+(,[0-9]+)? @@/ {
    spec = $0
    sub(/^@@ -/, "", spec)
    split(spec, parts, " ")
    old_spec = parts[1]; new_spec = substr(parts[2], 2)
    old_left = (index(old_spec, ",") ? substr(old_spec, index(old_spec, ",") + 1) : 1) + 0
    new_left = (index(new_spec, ",") ? substr(new_spec, index(new_spec, ",") + 1) : 1) + 0
    hunk_start = (index(old_spec, ",") ? substr(old_spec, 1, index(old_spec, ",") - 1) : old_spec) + 0
    if (hunk_start == 0) hunk_start = 1
    hunks++
    if (hunks == 1) { context = 0; hunk_lines = 0; hunk[files] = $0 }
    in_hunk = (old_left > 0 || new_left > 0)
    next
}

{ header = "" }

moving && /^  / {
    moved[moving] = moved[moving] "\n" $0
    next
}

{ moving = 0 }

command == "check" && /: what decides differently now/ {
    for (i = files; i >= 1; i--) {
        if (index($0, name[i] ": ") == 1) { moving = i; moved[i] = $0; break }
    }
    if (moving) next
}

command == "check" && /; its contents are not compared or shown$/ {
    i = add_file(substr($0, 1, index($0, ": ") - 1), 0)
    cause[i] = $0
    next
}

command == "check" && /, written by an older shiplight / {
    annotate("error", substr($0, 1, index($0, ": ") - 1), 0, "shiplight check: a value recorded by an older shiplight", $0)
    next
}

command == "check" && /^drift: / {
    summary = $0
    next
}

command == "verify" && /^FAIL / {
    rest = substr($0, 6)
    split_at = index(rest, ": ")
    check_name = split_at ? substr(rest, 1, split_at - 1) : rest
    annotate("error", dockerfile, 0, "shiplight verify: " check_name, rest)
    next
}

/^error: / {
    annotate("error", "", 0, "shiplight " command, substr($0, 8))
    next
}

/^warning: / {
    annotate("warning", "", 0, "shiplight " command, substr($0, 10))
    next
}

# Lines before a summary that names no file (an open choice) belong to its message.
{ general = general (general == "" ? "" : "\n") $0 }

END {
    for (i = 1; i <= files; i++) {
        if (cause[i] != "") {
            annotate("error", name[i], 0, "shiplight check: " relative(name[i]) " cannot be compared", cause[i])
            continue
        }
        message = summary
        if (absent[i]) message = relative(name[i]) " is missing. " message
        if (moved[i] != "") message = message "\n" moved[i]
        if (hunk[i] != "") message = message "\n" hunk[i]
        annotate("error", name[i], absent[i] ? 1 : first[i], "shiplight check: " relative(name[i]) " drifted", message)
    }
    if (files == 0 && summary != "") {
        annotate("error", "", 0, "shiplight check", (general == "" ? "" : general "\n") summary)
    }
    if (status != 0 && errors == 0) {
        annotate("error", "", 0, "shiplight " command, "shiplight " command " failed (exit " status "); its output is in the log")
    }
}
