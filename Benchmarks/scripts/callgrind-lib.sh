# Shared by the *-callgrind.sh scripts (sourced, from Benchmarks/): deterministic instruction counts of a small
# synchronous driver linked against a benchmark product's release objects. valgrind 3.19 crashes on Swift's async
# main (so on the package-benchmark runner) and cannot read DWARF 5, hence the driver and debug-stripped copies.

# callgrind_build PRODUCT "DRIVER [SHARED...]" CG_DIR GREP_ARGS...: release-builds PRODUCT, copies the Swift runtime
# libraries into CG_DIR debug-stripped, and links DRIVER (and any SHARED sources) against the product's objects that
# `grep GREP_ARGS` selects from its link list, as CG_DIR/harness (debug-stripped).
callgrind_build() {
    local product=$1 cg=$3 release lib
    local -a sources=($2)
    shift 3
    mkdir -p "$cg"
    swift build -c release --product "$product" >"$cg/build.log" 2>&1 || { tail -30 "$cg/build.log"; return 1; }
    release=$(swift build -c release --show-bin-path)
    for lib in $(ldd "$release/$product" | awk '/\/usr\/lib\/swift\//{print $3}'); do
        [ -f "$cg/$(basename "$lib")" ] || { cp "$lib" "$cg/" && strip --strip-debug "$cg/$(basename "$lib")"; }
    done
    grep "$@" "$release/$product.product/Objects.LinkFileList" > "$cg/objects.txt"
    # The C modules the imported Swift modules depend on: SwiftPM's generated module maps, and the packages' own;
    # each module once (plugin tools have their own copies in *-tool.build).
    local maps=() map name seen=" "
    for map in "$release"/*.build/module.modulemap $(find "$PWD/.build/checkouts" -path "*/include/module.modulemap" 2>/dev/null); do
        case $map in *-tool.build/*) continue ;; esac
        name=$(awk '$1 == "module" || $2 == "module" {print ($1 == "module" ? $2 : $3); exit}' "$map")
        case $seen in *" $name "*) continue ;; esac
        seen="$seen$name "
        maps+=(-Xcc "-fmodule-map-file=$map")
    done
    # The driver has top-level code, which a module of several files allows only in main.swift.
    cp "${sources[0]}" "$cg/main.swift"
    swiftc -O -I "$release/Modules" "${maps[@]}" "$cg/main.swift" "${sources[@]:1}" @"$cg/objects.txt" -lstdc++ -lz \
        -o "$cg/harness"
    strip --strip-debug "$cg/harness"
}

# callgrind_total CG_DIR NAME DRIVER_ARGS...: the total instruction count of one run of CG_DIR/harness. KEEP=1 keeps
# its callgrind output as CG_DIR/callgrind.NAME.out (inspect with callgrind_annotate).
callgrind_total() {
    local cg=$1 out=$1/callgrind.$2.out
    shift 2
    LD_LIBRARY_PATH=$cg valgrind --tool=callgrind --callgrind-out-file="$out" "$cg/harness" "$@" >/dev/null 2>&1
    grep -E "^totals:" "$out" | awk '{print $2}'
    [ "${KEEP:-0}" = 1 ] || rm -f "$out"
}
