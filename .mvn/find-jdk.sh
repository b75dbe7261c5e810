# shellcheck shell=sh
# Finds a JDK 25 or newer and exports JAVA_HOME to it. Sourced by ./mvnw and ./normlab.
# Order: JAVA_HOME when it is 25+, then the usual install locations (highest version wins).
# Returns non-zero with a message naming the fix when none is found.

normlab_jdk_major() {
  # Prints the feature version of the JDK at $1 (e.g. 25), or nothing.
  if [ -f "$1/release" ]; then
    sed -n 's/^JAVA_VERSION="\{0,1\}\([0-9][0-9]*\).*/\1/p' "$1/release" | head -n 1
  elif [ -x "$1/bin/java" ]; then
    "$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9][0-9]*\).*/\1/p' | head -n 1
  fi
}

normlab_use_jdk25() {
  if [ -n "${JAVA_HOME-}" ] && [ -x "$JAVA_HOME/bin/javac" ]; then
    major=$(normlab_jdk_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME
      return 0
    fi
  fi
  best=""
  best_major=0
  # The Maven wrapper runs with 'set -f'; globbing is needed to list install locations.
  case $- in *f*) normlab_noglob=1; set +f ;; *) normlab_noglob=0 ;; esac
  for candidate in /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
      "${HOME-}"/.sdkman/candidates/java/* "${HOME-}"/.jdks/* \
      /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -x "$candidate/bin/javac" ] || continue
    major=$(normlab_jdk_major "$candidate")
    [ -n "$major" ] || continue
    if [ "$major" -ge 25 ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"
      best_major="$major"
    fi
  done
  [ "$normlab_noglob" = 1 ] && set -f
  if [ -z "$best" ]; then
    echo "normlab: no JDK 25 or newer found (JAVA_HOME=${JAVA_HOME-unset}, searched /usr/lib/jvm and the usual locations)." >&2
    echo "normlab: install one (for example Temurin 25 from adoptium.net, or 'apt-get install openjdk-25-jdk') and set JAVA_HOME to it." >&2
    return 1
  fi
  JAVA_HOME="$best"
  export JAVA_HOME
  return 0
}
