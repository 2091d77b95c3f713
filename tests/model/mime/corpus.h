// Test helpers: the shared MIME corpus (KONVERT_SOURCE_DIR/../shared/corpus/eml).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace konvert::mime {

inline std::string CorpusDir() { return KONVERT_SOURCE_DIR "/../shared/corpus/eml"; }

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The corpus file `name` (e.g. "cyrus__headers-koi8r.eml").
inline std::string Corpus(const std::string& name) { return ReadFile(CorpusDir() + "/" + name); }

// Paths of every .eml of the corpus, sorted.
inline std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(CorpusDir())) {
    if (entry.path().extension() == ".eml") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace konvert::mime
