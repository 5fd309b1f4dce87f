#!/usr/bin/env bash
# A per-machine cache of the compiled RocksDB library, so that CI compiles
# RocksDB's C++ once per machine instead of whenever a dependency change
# alters the hash of the librocksdb-sys build (which cargo's target cache
# cannot avoid). Sourced by .ci/run; a fresh machine simply builds from source.
#
#   rocksdb_cache_use    before the build: link the cached library if there is one
#   rocksdb_cache_save   after the build: keep the library just compiled
#
# The cache is keyed by the librocksdb-sys version in Cargo.lock. The library
# is linked through a GNU ld linker script named librocksdb.so that pulls in
# the static archive and the C++ runtime it needs, exactly as a source build
# links it.

rocksdb_cache_dir() {
  local version
  version=$(awk '/^name = "librocksdb-sys"/{getline; gsub(/"/, "", $3); print $3}' Cargo.lock)
  [ -n "$version" ] || return 1
  echo "${SIGHTLINE_ROCKSDB_CACHE:-/var/cache/sightline/rocksdb}/$version"
}

rocksdb_cache_use() {
  local dir
  dir=$(rocksdb_cache_dir) || return 0
  if [ -f "$dir/librocksdb-static.a" ] && [ -f "$dir/librocksdb.so" ]; then
    echo "rocksdb-cache: linking the RocksDB library compiled earlier on this machine ($dir)" >&2
    export ROCKSDB_LIB_DIR="$dir"
    unset ROCKSDB_STATIC
  fi
}

rocksdb_cache_save() {
  local dir lib
  [ -z "${ROCKSDB_LIB_DIR:-}" ] || return 0
  dir=$(rocksdb_cache_dir) || return 0
  lib=$(ls -t "${CARGO_TARGET_DIR:-target}"/debug/build/librocksdb-sys-*/out/librocksdb.a 2>/dev/null | head -n 1)
  [ -n "$lib" ] || return 0
  mkdir -p "$dir"
  cp "$lib" "$dir/librocksdb-static.a.tmp" && mv "$dir/librocksdb-static.a.tmp" "$dir/librocksdb-static.a"
  printf 'INPUT(%s -lstdc++)\n' "$dir/librocksdb-static.a" > "$dir/librocksdb.so"
  echo "rocksdb-cache: saved the RocksDB library for later runs ($dir)" >&2
}
