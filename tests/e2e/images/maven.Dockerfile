# Stand-in for maven:3.9-eclipse-temurin-JDK (and eclipse-temurin:JDK-jdk): Debian's OpenJDK of
# the same major and Maven 3.9, with this machine's CA bundle added to Java's trust store (the
# registries are reached through a TLS-inspecting proxy).
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
ARG JDK=21
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-${JDK}-jdk-headless maven ca-certificates-java > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /usr/local/share/ca-certificates/machine \
 && awk '/BEGIN CERT/{n++} {print > ("/usr/local/share/ca-certificates/machine/" n ".crt")}' /etc/ssl/certs/ca-certificates.crt \
 && cp /etc/ssl/certs/ca-certificates.crt /tmp/machine-bundle.crt \
 && update-ca-certificates > /dev/null 2>&1 \
 && cp /tmp/machine-bundle.crt /etc/ssl/certs/ca-certificates.crt \
 && java -version 2>&1 | head -1 && mvn --version | head -1
