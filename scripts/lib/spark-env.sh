# Sourced by scripts/local-cluster, scripts/submit and scripts/ps-shell: where the Spark "home" built
# from the Maven classpath and the user jar live, the JVM flags, and building them when missing.
#
# Environment it honours:
#   PS_MVN        Maven command used to build what is missing (default: mvn)
#   PS_NO_BUILD=1 never run Maven; fail if something is missing (the tests set it)
#   PS_CLASSPATH  our classes for the driver when there is no user jar yet (the tests set it:
#                 ps-core + ps-spark classes); ignored when unset
#   SPARK_LOCAL_IP default 127.0.0.1: Spark otherwise binds to the external interface
#   JAVA_HOME     java to run (default: java on the PATH); executors use the same

PS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PS_SPARK_TARGET="$PS_ROOT/ps-spark/target"
PS_SPARK_HOME="$PS_SPARK_TARGET/spark-home"
PS_SHELL_JARS="$PS_SPARK_TARGET/shell/jars"
PS_JVM_OPTIONS="$PS_ROOT/scripts/jvm.options"
PS_PLUGIN_CLASS=io.sparkps.spark.PsPlugin
PS_CONTEXT_CLASS=io.sparkps.spark.PsContext

PS_JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

export SPARK_HOME="$PS_SPARK_HOME"
export SPARK_SCALA_VERSION=2.13
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

ps_log() { echo "$(basename "$0"): $*" >&2; }
ps_die() { ps_log "$*"; exit 1; }

# The flags of scripts/jvm.options on one line (for spark.executor.extraJavaOptions).
ps_jvm_flags() {
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$PS_JVM_OPTIONS" | tr '\n' ' ' | sed 's/ *$//'
}

# The user jar (ps-spark + ps-core, no Spark, no Netty); empty if not built.
ps_user_jar() {
  local jar
  for jar in "$PS_SPARK_TARGET"/ps-spark-*-all.jar; do
    [ -f "$jar" ] && { echo "$jar"; return 0; }
  done
  return 0
}

# True if the user jar exists and is newer than every source and pom it is built from.
ps_user_jar_fresh() {
  local jar; jar=$(ps_user_jar)
  [ -n "$jar" ] || return 1
  [ -z "$(find "$PS_ROOT/pom.xml" "$PS_ROOT/ps-core/pom.xml" "$PS_ROOT/ps-spark/pom.xml" \
            "$PS_ROOT/ps-core/src/main" "$PS_ROOT/ps-spark/src/main" -newer "$jar" -print -quit 2>/dev/null)" ]
}

# Builds the Spark home, the shell jars and the user jar when one is missing or the jar is stale.
# Needs nothing but Maven; runs `mvn package` on ps-core + ps-spark only (no install, no tests).
ps_ensure_built() {
  local need_jar=${1:-yes}
  if [ -d "$PS_SPARK_HOME/jars" ] && [ -d "$PS_SHELL_JARS" ]; then
    if [ "$need_jar" = no ] || [ -n "${PS_CLASSPATH:-}" ] || ps_user_jar_fresh; then
      return 0
    fi
  fi
  if [ "${PS_NO_BUILD:-0}" = 1 ]; then
    [ -d "$PS_SPARK_HOME/jars" ] || ps_die "missing $PS_SPARK_HOME/jars (run: mvn -B package -DskipTests)"
    [ "$need_jar" = no ] || [ -n "$(ps_user_jar)" ] || [ -n "${PS_CLASSPATH:-}" ] \
      || ps_die "no user jar in $PS_SPARK_TARGET and PS_CLASSPATH unset (run: mvn -B package -DskipTests)"
    return 0
  fi
  ps_log "building ps-core + ps-spark (mvn package -DskipTests)..."
  (cd "$PS_ROOT" && ${PS_MVN:-mvn} -B -q -DskipTests -pl ps-spark -am package) >&2 \
    || ps_die "build failed"
}

# Lists a jar's entries (unzip if present, else the JDK's jar tool).
ps_jar_entries() {
  if command -v unzip > /dev/null; then unzip -Z1 "$1" 2>/dev/null; else jar tf "$1" 2>/dev/null; fi
}

# True if the jar lists the entry. The listing is captured first: piping the lister straight into
# a quiet grep under `set -o pipefail` returns 141 when grep exits at the first match and the
# lister dies of SIGPIPE, which read as "not found" (every script left the plugin off).
ps_jar_has_entry() {
  local listing
  listing=$(ps_jar_entries "$1") || true
  grep -qxF -- "$2" <<< "$listing"
}

# True if the user jar (or PS_CLASSPATH) holds the class, given as a.b.C.
ps_has_class() {
  local entry="${1//.//}.class" jar
  jar=$(ps_user_jar)
  if [ -n "${PS_CLASSPATH:-}" ]; then
    local IFS=:
    for e in $PS_CLASSPATH; do
      if [ -d "$e" ] && [ -f "$e/$entry" ]; then return 0; fi
      if [ -f "$e" ] && ps_jar_has_entry "$e" "$entry"; then return 0; fi
    done
    return 1
  fi
  [ -n "$jar" ] && ps_jar_has_entry "$jar" "$entry"
}

# Our classes for a driver JVM: PS_CLASSPATH if set, else the user jar.
ps_driver_classpath() {
  if [ -n "${PS_CLASSPATH:-}" ]; then echo "$PS_CLASSPATH"; else ps_user_jar; fi
}

# For spark.jars / --jars: the user jar; nothing when PS_CLASSPATH is set (it may hold class
# directories, which spark.jars refuses: executors on this machine get it via extraClassPath).
ps_spark_jars() {
  if [ -n "${PS_CLASSPATH:-}" ]; then echo ""; else ps_user_jar; fi
}

PS_CLUSTER_DIR="$PS_ROOT/target/local-cluster"

# The URL of the cluster scripts/local-cluster started, if it is running.
ps_cluster_url() {
  local pidf="$PS_CLUSTER_DIR/master.pid"
  [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null && [ -f "$PS_CLUSTER_DIR/master-url" ] \
    && cat "$PS_CLUSTER_DIR/master-url"
  return 0
}
