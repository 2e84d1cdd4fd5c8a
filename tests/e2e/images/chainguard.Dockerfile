# Stand-ins for Chainguard's free images, built from Debian trixie because Wolfi's packages are
# not reachable here. Each target takes the configuration Chainguard's image definitions give
# (github.com/chainguard-images/images, images/<name>/config: main.tf and template.apko.yaml):
# the entrypoint, the 65532 account under the image's own name, the work-dir and environment.
# Where they differ from Chainguard's: the language release is Debian's (Python 3.13, not 3.14;
# OpenJDK 25, not 26; the Node build of the other stand-ins, 22, not 26), glibc is Debian's, and
# a -dev image's shell and tools are Debian's (bash, coreutils, apt) rather than busybox and apk.
#
# BASE is the stand-in each target grows from (named per target by run.py); NODE_TREE-like
# contexts come from the build context.
ARG BASE
ARG MINBASE

# python (images/python/config): entrypoint /usr/bin/python, account nonroot 65532, no work-dir.
# latest-dev is both the builder and the debug runtime: Python with pip, venv and a C toolchain.
FROM ${BASE} AS python-dev
USER 0:0
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      python3.13 python3.13-venv python3.13-dev > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && ln -sf python3.13 /usr/bin/python3 && ln -sf python3.13 /usr/bin/python \
 && rm -f /usr/lib/python3.13/EXTERNALLY-MANAGED \
 && printf 'nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n' >> /etc/passwd \
 && printf 'nonroot:x:65532:\n' >> /etc/group \
 && mkdir -p /home/nonroot && chown 65532:65532 /home/nonroot
ENV PIP_CERT=/etc/ssl/certs/ca-certificates.crt \
    REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \
    LANG=C.UTF-8
USER 65532:65532
ENTRYPOINT ["/usr/bin/python"]

FROM ${MINBASE} AS python-link
RUN mkdir -p /out/usr/bin && ln -s python3.13 /out/usr/bin/python && ln -s python3.13 /out/usr/bin/python3

# python:latest: the interpreter and its standard library on glibc (BASE is the python3 runtime
# stand-in), /usr/bin/python as the entrypoint.
FROM ${BASE} AS python
COPY --from=python-link /out/ /
ENV LANG=C.UTF-8
USER 65532:65532
ENTRYPOINT ["/usr/bin/python"]

# node (images/node/config/template.apko.yaml): /usr/bin/node, account node 65532, /app owned by
# it and the work-dir, NODE_PORT=3000, npm's update notifier off, cmd --help. The -dev variant
# adds build-base, corepack, pnpm and yarn (images/node/main.tf, extra_dev_packages).
FROM ${BASE} AS node-dev
USER 0:0
ARG PNPM=10.34.8
RUN npm install --global --silent "pnpm@${PNPM}" yarn@1 > /dev/null \
 && for tool in node npm npx corepack pnpm yarn; do ln -sf "$(readlink -f /usr/local/bin/$tool)" /usr/bin/$tool; done \
 && printf 'node:x:65532:65532:node:/home/node:/bin/sh\n' >> /etc/passwd \
 && printf 'node:x:65532:\n' >> /etc/group \
 && mkdir -p /app /home/node && chown 65532:65532 /app /home/node && chmod 777 /app
ENV NODE_PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
USER 65532:65532
ENTRYPOINT ["/usr/bin/node"]
CMD ["--help"]

FROM ${MINBASE} AS node-app-dir
RUN mkdir -p /out/app && chown 65532:65532 /out/app && chmod 777 /out/app

# node:latest: the node binary on glibc with libstdc++ (BASE is the cc stand-in).
FROM ${BASE} AS node
COPY bin/node /usr/bin/node
COPY --from=node-app-dir /out/ /
ENV NODE_PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
USER 65532:65532
ENTRYPOINT ["/usr/bin/node"]
CMD ["--help"]

# jre (images/jre/config/main.tf): /usr/bin/java, JAVA_HOME=/usr/lib/jvm/default-jvm,
# LANG=en_US.UTF-8, work-dir /app, account java 65532. BASE is a Java runtime stand-in whose JVM
# sits under /usr/lib/jvm; default-jvm links to it.
FROM ${MINBASE} AS jre-files
RUN mkdir -p /out/app /out/usr/lib/jvm && chown 65532:65532 /out/app \
 && printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\njava:x:65532:65532:java:/home/java:/sbin/nologin\n' > /out/passwd \
 && printf 'root:x:0:\nnobody:x:65534:\njava:x:65532:\n' > /out/group

FROM ${BASE} AS jre-base
COPY --from=jre-files /out/app /app
COPY --from=jre-files /out/passwd /etc/passwd
COPY --from=jre-files /out/group /etc/group

FROM ${MINBASE} AS jre-link
COPY --from=jre-base /usr/lib/jvm /usr/lib/jvm
RUN mkdir -p /out/usr/lib/jvm && ln -s "$(ls /usr/lib/jvm | grep -v default | head -1)" /out/usr/lib/jvm/default-jvm

FROM jre-base AS jre
COPY --from=jre-link /out/ /
ENV LANG=en_US.UTF-8 \
    JAVA_HOME=/usr/lib/jvm/default-jvm
WORKDIR /app
USER 65532:65532
ENTRYPOINT ["/usr/bin/java"]

# maven:latest-dev and jdk:latest-dev (images/maven, images/jdk): account maven or java 65532,
# work-dir /home/build owned by it, LANG=en_US.UTF-8, JAVA_HOME set, entrypoint mvn (maven).
# BASE is the Maven stand-in (Debian's OpenJDK and Maven).
FROM ${BASE} AS maven-dev
USER 0:0
RUN ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/javac)")")" /usr/lib/jvm/default-jvm \
 && printf 'maven:x:65532:65532:maven:/home/build:/bin/sh\n' >> /etc/passwd \
 && printf 'maven:x:65532:\n' >> /etc/group \
 && mkdir -p /home/build && chown 65532:65532 /home/build
ENV LANG=en_US.UTF-8 \
    JAVA_HOME=/usr/lib/jvm/default-jvm
WORKDIR /home/build
USER 65532:65532
ENTRYPOINT ["/usr/bin/mvn"]

# jdk:latest-dev (images/jdk/config/template.apko.yaml): the JDK with busybox (whose unzip the
# Maven Wrapper uses) and no Maven of its own, account java 65532, work-dir /home/build,
# JAVA_HOME=/usr/lib/jvm/default-jvm. BASE is the Maven stand-in, with its mvn taken off PATH.
FROM ${BASE} AS jdk-dev
USER 0:0
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends unzip > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && rm -f /usr/bin/mvn /usr/bin/mvnDebug \
 && ln -s "$(dirname "$(dirname "$(readlink -f /usr/bin/javac)")")" /usr/lib/jvm/default-jvm \
 && printf 'java:x:65532:65532:java:/home/build:/bin/sh\n' >> /etc/passwd \
 && printf 'java:x:65532:\n' >> /etc/group \
 && mkdir -p /home/build && chown 65532:65532 /home/build
ENV LANG=en_US.UTF-8 \
    JAVA_HOME=/usr/lib/jvm/default-jvm
WORKDIR /home/build
USER 65532:65532

# rust:latest-dev (images/rust/config/main.tf): rustc as the entrypoint, work-dir /work (mode
# 777), account nonroot 65532; Wolfi's rust package, without rustup. BASE is the Rust stand-in
# (this machine's stable toolchain), whose rustup and its proxies leave PATH.
FROM ${BASE} AS rust-dev
USER 0:0
ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
RUN for tool in rustc cargo rustdoc; do ln -sf "/usr/local/rust/bin/$tool" "/usr/bin/$tool"; done \
 && printf 'nonroot:x:65532:65532:nonroot:/home/nonroot:/bin/sh\n' >> /etc/passwd \
 && printf 'nonroot:x:65532:\n' >> /etc/group \
 && mkdir -p /work /home/nonroot && chmod 777 /work && chown 65532:65532 /home/nonroot
WORKDIR /work
USER 65532:65532
ENTRYPOINT ["/usr/bin/rustc"]
CMD ["--help"]
