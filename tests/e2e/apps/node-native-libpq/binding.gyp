{
  "targets": [
    {
      "target_name": "pq",
      "sources": ["pq.c"],
      "include_dirs": ["/usr/include/postgresql"],
      "libraries": ["-lpq"]
    }
  ]
}
