# Stand-in for cgr.dev/chainguard/php:latest-dev (the builder, and the CLI's debug variant):
# Debian's PHP CLI and Composer with a shell, running as 65532 in /app like Chainguard's.
ARG BUILDER_BASE
FROM ${BUILDER_BASE}
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      php8.4-cli php8.4-xml php8.4-mbstring php8.4-curl php8.4-zip unzip composer > /dev/null \
 && rm -rf /var/lib/apt/lists/* \
 && printf 'php:x:65532:65532:php:/home/php:/bin/sh\n' >> /etc/passwd \
 && printf 'php:x:65532:\n' >> /etc/group \
 && mkdir -p /app /home/php && chown 65532:65532 /app /home/php
USER 65532:65532
WORKDIR /app
ENTRYPOINT ["/usr/bin/php"]
