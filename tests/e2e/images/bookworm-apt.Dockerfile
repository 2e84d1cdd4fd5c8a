# Debian trixie packages no JDK 17: the JDK 17 stand-ins grow from BASE (the trixie minbase or
# builder base) with Debian bookworm added as an apt source at a priority below trixie's, so
# that only what trixie lacks (openjdk-17) comes from bookworm.
ARG BASE
FROM ${BASE}
RUN printf 'deb http://deb.debian.org/debian bookworm main\ndeb http://deb.debian.org/debian-security bookworm-security main\n' \
      > /etc/apt/sources.list.d/bookworm.list \
 && printf 'Package: *\nPin: release n=bookworm\nPin-Priority: 100\n\nPackage: *\nPin: release n=bookworm-security\nPin-Priority: 100\n' \
      > /etc/apt/preferences.d/bookworm
